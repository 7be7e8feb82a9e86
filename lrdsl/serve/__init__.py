"""The playground: ``lrdsl serve``, a local web page where a schedule is typed, seen, checked and copied.

:mod:`lrdsl.serve.server` serves the page (``page/``) and the JSON API of
:mod:`lrdsl.serve.handlers`; :mod:`lrdsl.serve.curve` draws a run of any length with at most a
few thousand points, each bucket's extremes kept. The standard library's HTTP server is enough:
one user, on this machine, no dependency to install.
"""
