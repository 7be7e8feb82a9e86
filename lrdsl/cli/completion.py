"""``lrdsl completion bash|zsh|fish``: shell completion scripts.

Each script is printed with every name it completes written into it, so completing runs no
Python: the subcommands and their options (read from the command table, :mod:`lrdsl.cli.registry`), the
choices of ``--format``, ``--x`` and ``--target`` (the code generators' :data:`lrdsl.codegen.TARGETS`,
imported only here), and, inside a schedule, the names of :mod:`lrdsl.language.signatures`: phase names
where a phase starts (at the start, after ``(``, ``>>``, ``,`` or an operator), modifiers too after
``*``, and the warm-up shapes right after ``warmup(``. ``@`` completes a file name.
"""

from __future__ import annotations

import argparse
import shlex
from dataclasses import dataclass

from lrdsl.language.signatures import SHAPES, SIGNATURES
from lrdsl.tools.reference import names

FILE_OPTIONS = ("-o", "--output")


@dataclass(frozen=True)
class Words:
    """Everything a completion script completes."""

    commands: tuple[tuple[str, str], ...]
    """(name, help) of each subcommand."""
    options: dict[str, tuple[str, ...]]
    """Each subcommand's option strings."""
    valued: tuple[str, ...]
    """Options that take a value (nothing is completed for them but their choices or files)."""
    choices: dict[str, tuple[str, ...]]
    """Options with a fixed set of values, by ``"COMMAND --option"`` (``--format`` differs between commands)."""
    phases: tuple[str, ...]
    modifiers: tuple[str, ...]
    warmup_shapes: tuple[str, ...]
    shells: tuple[str, ...]
    topics: tuple[str, ...] = ()
    """What ``lrdsl help`` takes: the commands, then the names of the reference that are words."""


def words() -> Words:
    """The names the scripts complete, read from the command table and the language's tables."""
    from lrdsl.cli.registry import commands
    from lrdsl.codegen import TARGETS

    options: dict[str, tuple[str, ...]] = {}
    valued: set[str] = set()
    choices: dict[str, tuple[str, ...]] = {}
    for c in commands():
        flags = [a for a in c.arguments if a.flags[0].startswith("-")]
        options[c.name] = ("-h", "--help", *(f for a in flags for f in a.flags))
        for a in flags:
            if a.valued:
                valued.update(a.flags)
                given = tuple(TARGETS) if "--target" in a.flags else a.settings().get("choices")
                if given:
                    choices.update({f"{c.name} {f}": tuple(str(x) for x in given) for f in a.flags})
    (shell,) = next(c for c in commands() if c.name == "completion").arguments
    names_ = [c.name for c in commands()]
    return Words(
        commands=tuple((c.name, c.help) for c in commands()),
        options=options,
        valued=tuple(sorted(valued)),
        choices=choices,
        phases=tuple(n for n, s in SIGNATURES.items() if s.role != "modifier"),
        modifiers=tuple(n for n, s in SIGNATURES.items() if s.role == "modifier"),
        warmup_shapes=SHAPES,
        shells=tuple(shell.options["choices"]),
        topics=tuple(dict.fromkeys([*(n for n in names_ if n != "help"), *(n for n in names() if n.isidentifier())])),
    )


def script(shell: str) -> str:
    """The completion script for ``shell`` (bash, zsh or fish)."""
    w = words()
    return {"bash": _bash, "zsh": _zsh, "fish": _fish}[shell](w)


def command(args: argparse.Namespace) -> int:
    """``lrdsl completion SHELL``: print the script."""
    print(script(args.shell), end="")
    return 0


def _j(items: tuple[str, ...] | list[str]) -> str:
    return " ".join(items)


def _choosing(w: Words) -> set[str]:
    """The options that have choices in some command."""
    return {key.split(" ", 1)[1] for key in w.choices}


def _bash(w: Words) -> str:
    option_cases = "\n".join(f"        {name}) opts={shlex.quote(_j(opts))} ;;" for name, opts in w.options.items())
    choice_cases = "\n".join(
        f'        {shlex.quote(key)}) _lrdsl_reply {shlex.quote(_j(c))} "$cur"; return ;;'
        for key, c in w.choices.items()
    )
    return f"""# lrdsl completion for bash. Load it with: source <(lrdsl completion bash)
_lrdsl_reply() {{  # the words of $1 that start with $2, each after the prefix $3
    local word
    COMPREPLY=()
    for word in $1; do
        [[ $word == "$2"* ]] && COMPREPLY+=("$3$word")
    done
}}

_lrdsl_schedule() {{  # names where a schedule is being typed: $1 is the current word
    local text=$1 name head before names quoted=""
    case $text in
        \\"*|\\'*) text=${{text:1}}; quoted=1 ;;  # readline completes what follows the opening quote
    esac
    name=${{text##*[!A-Za-z0-9_]}}
    head=${{text%"$name"}}
    before=${{head%"${{head##*[! ]}}"}}
    [[ $name == [0-9]* ]] && return
    case $before in
        *warmup\\() names={shlex.quote(_j(w.warmup_shapes))} ;;
        *\\*) names={shlex.quote(_j(w.phases + w.modifiers))} ;;
        ""|*\\(|*\\>\\>|*,|*+|*-|*/) names={shlex.quote(_j(w.phases))} ;;
        *) return ;;
    esac
    _lrdsl_reply "$names" "$name" "$head"
    compopt -o nospace 2>/dev/null
    # A name is always followed by '(': where readline would close the quote after the one
    # match, offer the name with its '(' too, so that it inserts the name alone.
    if [[ -n $quoted && ${{#COMPREPLY[@]}} == 1 ]]; then
        COMPREPLY+=("${{COMPREPLY[0]}}(")
    fi
}}

_lrdsl() {{
    local cur=${{COMP_WORDS[COMP_CWORD]}} prev=${{COMP_WORDS[COMP_CWORD-1]}} cmd="" i opts=""
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${{COMP_WORDS[i]}} in
            -*) ;;
            *) cmd=${{COMP_WORDS[i]}}; break ;;
        esac
    done
    if [[ -z $cmd ]]; then
        _lrdsl_reply {shlex.quote(_j([c for c, _ in w.commands] + ["--help", "--version"]))} "$cur"
        return
    fi
    if [[ $cur == "=" ]]; then  # --target=: readline completes what follows the '='
        cur=""
    elif [[ $prev == "=" ]]; then
        prev=${{COMP_WORDS[COMP_CWORD-2]}}
    fi
    case "$cmd $prev" in
{choice_cases}
    esac
    case $prev in
        {"|".join(FILE_OPTIONS)}) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); compopt -o filenames 2>/dev/null; return ;;
        {"|".join(o for o in w.valued if o not in _choosing(w) and o not in FILE_OPTIONS)}) return ;;
    esac
    case $cmd in
{option_cases}
    esac
    case $cmd in
        completion) _lrdsl_reply {shlex.quote(_j(w.shells))} "$cur"; return ;;
        help) _lrdsl_reply {shlex.quote(_j(w.topics))} "$cur"; return ;;
    esac
    if [[ $cur == -* ]]; then
        _lrdsl_reply "$opts" "$cur"
    elif [[ $cur == @* ]]; then
        mapfile -t COMPREPLY < <(compgen -f -P @ -- "${{cur:1}}")
        compopt -o filenames 2>/dev/null
    else
        _lrdsl_schedule "$cur"
    fi
}}

complete -F _lrdsl lrdsl
"""


def _zsh_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _zsh(w: Words) -> str:
    commands = "\n".join(f"        {_zsh_quote(f'{c}:{h}')}" for c, h in w.commands)
    option_cases = "\n".join(f"        {name}) opts=({_j(opts)}) ;;" for name, opts in w.options.items())
    choice_cases = "\n".join(f"        {_zsh_quote(k)}) compadd -- {_j(c)}; return ;;" for k, c in w.choices.items())
    valued = "|".join(o for o in w.valued if o not in _choosing(w) and o not in FILE_OPTIONS)
    return f"""#compdef lrdsl
# lrdsl completion for zsh. Load it with: source <(lrdsl completion zsh)
_lrdsl() {{
    local -a commands opts names
    commands=(
{commands}
    )
    if (( CURRENT == 2 )); then
        _describe -t commands 'lrdsl command' commands
        compadd -- --help --version
        return
    fi
    local cmd=$words[2] prev=$words[CURRENT-1]
    case "$cmd $prev" in
{choice_cases}
    esac
    case $prev in
        {"|".join(FILE_OPTIONS)}) _files; return ;;
        {valued}) return ;;
    esac
    case $cmd in
        completion) compadd -- {_j(w.shells)}; return ;;
        help) compadd -- {_j(w.topics)}; return ;;
    esac
    case $cmd in
{option_cases}
    esac
    setopt localoptions extendedglob
    if [[ $PREFIX == -* ]]; then
        compadd -- $opts
        return
    fi
    if [[ $PREFIX == @* ]]; then
        compset -P '@'
        _files
        return
    fi
    local before=${{PREFIX%%[A-Za-z0-9_]#}}
    before=${{before%%[[:space:]]#}}
    case $before in
        *warmup\\() names=({_j(w.warmup_shapes)}) ;;
        *\\*) names=({_j(w.phases + w.modifiers)}) ;;
        ""|*\\(|*\\>\\>|*,|*+|*-|*/) names=({_j(w.phases)}) ;;
        *) return 1 ;;
    esac
    compset -P '*[^A-Za-z0-9_]'
    compadd -S '' -- $names
}}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
    _lrdsl "$@"
else
    (( $+functions[compdef] )) || {{ autoload -Uz compinit && compinit }}
    compdef _lrdsl lrdsl
fi
"""


def _fish(w: Words) -> str:
    lines = [
        "# lrdsl completion for fish. Load it with: lrdsl completion fish | source",
        "complete -c lrdsl -f",
        "complete -c lrdsl -n __fish_use_subcommand -l version -d 'show the version'",
    ]
    for c, h in w.commands:
        lines.append(f"complete -c lrdsl -n __fish_use_subcommand -a {c} -d {shlex.quote(h)}")
    for name, opts in w.options.items():
        cond = shlex.quote(f"__fish_seen_subcommand_from {name}")
        for o in opts:
            flag = f"-l {o[2:]}" if o.startswith("--") else f"-s {o[1:]}"
            if f"{name} {o}" in w.choices:
                lines.append(f"complete -c lrdsl -n {cond} {flag} -x -a {shlex.quote(_j(w.choices[f'{name} {o}']))}")
            elif o in FILE_OPTIONS:
                lines.append(f"complete -c lrdsl -n {cond} {flag} -r -F")
            elif o in w.valued:
                lines.append(f"complete -c lrdsl -n {cond} {flag} -x")
            else:
                lines.append(f"complete -c lrdsl -n {cond} {flag}")
    lines.append(f"complete -c lrdsl -n '__fish_seen_subcommand_from completion' -x -a {shlex.quote(_j(w.shells))}")
    helped = _j(w.topics)
    lines.append(f"complete -c lrdsl -n '__fish_seen_subcommand_from help' -x -a {shlex.quote(helped)}")
    lines.append(
        f"""function __lrdsl_schedule
    set -l text (string replace -r -- '^["\\']' '' "$(commandline -ct)")
    if string match -q -- '@*' "$text"
        __fish_complete_path (string sub -s 2 -- "$text") | string replace -r -- '^' '@'
        return
    end
    set -l name (string match -r -- '[A-Za-z0-9_]*$' "$text")
    set -l head (string replace -r -- '[A-Za-z0-9_]*$' '' "$text")
    set -l before (string replace -r -- '\\s*$' '' "$head")
    set -l names
    if string match -q -r -- 'warmup\\($' "$before"
        set names {_j(w.warmup_shapes)}
    else if string match -q -r -- '\\*$' "$before"
        set names {_j(w.phases + w.modifiers)}
    else if string match -q -r -- '(^|[(,+\\-/]|>>)$' "$before"
        set names {_j(w.phases)}
    end
    set -l found
    for n in $names
        string match -q -- "$name*" $n; and set -a found "$head$n"
    end
    printf '%s\\n' $found
    # fish closes the quote after a unique match: a name is followed by '(', so offer that too
    test (count $found) -eq 1; and printf '%s(\\n' $found
end"""
    )
    lines.append(
        "complete -c lrdsl -n '__fish_seen_subcommand_from eval check fmt explain plot gen' -a '(__lrdsl_schedule)'"
    )
    return "\n".join(lines) + "\n"
