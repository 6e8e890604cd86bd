"""The domain: model, recurrence, due dates, clocks, input checks, summary writers,
digest, statistics, scorecard, playbook, text safety. No Textual, no SQL, no I/O."""
