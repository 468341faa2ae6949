"""The family link (亲情代办): relatives outside the roster who follow and act for a household."""
