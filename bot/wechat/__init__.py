"""The WeChat Service Account platform layer: callback, crypto, parsing, API client, and a fake server for tests.

Nothing here knows the conversations yet: the callback hands typed inputs to an injected handler,
and the client sends what it is told. Wiring into the engine comes with the channel-neutral contract.
"""
