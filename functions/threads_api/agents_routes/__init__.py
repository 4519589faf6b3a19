"""The agents' API, one Router per feature; threads_api_app assembles them."""
