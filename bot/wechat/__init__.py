"""The WeChat Service Account channel: callback, crypto, parsing, API client, the intake that hands pushes
to the engine, the outbox channel, and a fake server for tests and the demo (see README, "WeChat").
"""
