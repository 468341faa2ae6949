"""The convention score (美丽约定): conventions, periods, assessments, faces, rewards, appeals, 和美宅基.

    periods.py        Period (`2026-11`, `2026-Q4`) and PeriodKind
    rules.py          pure rules: faces, reward shares, homestead standing, rectification moves
    models.py         the records (frozen dataclasses)
    spec.py           a convention as written in a file, validated; the default convention
    policy.py         the `[convention]` configuration
    conventions.py    ConventionService: importing versions
    assessments.py    AssessmentService: drafts, publication, revisions, figures, spreadsheets
    results.py        ScoreService: /score and the public board
    appeals.py        AppealService
    rectifications.py RectificationService
    homesteads.py     HomesteadService: 和美宅基 and spot checks
    rewards.py        RewardService: the reward ledger
"""
