"""The language: text → syntax tree → canonical text, with no run and no numpy.

The ground floor: the grammar's parser (``lalr``: lark's tables, ``lalr_tables.json``, run by a small
driver), the syntax tree (``ast``) and its checks, the formatter, numbers as a person writes them,
every call's signature, the reference's prose, schedule-set member names, the arithmetic every
run shares (``runfree``), typed tree builders (``build``) and user text quoted back in messages
(``echo``). Nothing here imports from the floors above; what the tree offers from them
(``Schedule.bind``, notebook display) goes through ``hooks``.
"""
