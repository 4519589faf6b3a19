"""Shopdesk: customer service for online shops, the shared domain package of every function."""
