"""The language: text, syntax trees and their canonical spelling."""
