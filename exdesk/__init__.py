"""exdesk: customer support for cryptocurrency exchanges."""

__version__ = "0.1.0"
