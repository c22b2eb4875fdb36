"""The sandbox exchange: a stand-in back office that implements the connector protocol
(docs/exchange-connector.md) over its own SQLite database, for the demo and the contract
tests. It stands for a separate system, so it uses no Django: ``store`` holds the data,
``app`` is the ASGI application and ``server`` runs it in a background thread.
"""
