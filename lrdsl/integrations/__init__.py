"""What the framework adapters share: running generated code, checkpoints, progress, Keras registration."""
