"""The law as pure functions.

Every module here is plain, typed Python with no Django import. Each function names the
article or standard clause it encodes in its docstring. Thresholds that provinces may set
differently are parameters with the national default.
"""
