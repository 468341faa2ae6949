"""Consultation storage: topics and supports, meetings, seats and attendance, major matters."""
