"""The bodies of the ``lrdsl`` subcommands, one module per family; their rows are in :mod:`lrdsl.cli.registry`."""
