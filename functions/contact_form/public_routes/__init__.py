"""The storefront's public API, one Router per feature; contact_form_app assembles them."""
