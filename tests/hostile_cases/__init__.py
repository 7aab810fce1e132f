"""Round two of the hostile-input corpus (issue 15): one module per class of input.

Each module sets CATEGORY (its folder under tests/fixtures/hostile/, and the prefix of its
input names), EXPECTED (input name -> Case, as in test_hostile_corpus.py) and ISSUE (the
issue's items -> the inputs covering them), and may set SINGLE_FILES, GENERATED and EXTRAS
(see tests/hostile_corpus.py). tests/hostile_corpus.py merges them into the corpus.
"""
