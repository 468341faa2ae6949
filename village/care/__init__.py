"""Care for the elderly (关爱走访): the care list, visits on a rhythm, patrols, reminders and escalation.

    models.py   the values: categories, rhythms, the wellbeing scale, subjects, visits, patrols
    rules.py    pure rules: due, overdue, flagged to the secretary
    policy.py   the `[care]` configuration
    access.py   who sees and changes the list
    ports.py    what it needs from storage
    service.py  CareService
"""
