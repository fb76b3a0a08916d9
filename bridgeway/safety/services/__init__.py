"""Writes of the safety net, by topic. Keyword-only, atomic, audited in the same transaction.

- alerts.py: acknowledge, snooze, resolve, escalate, raise; a site's thresholds
- scan.py: run the scan and send the digests of new alerts
- notices.py: discharge notices (reacting to clients.events)
- care.py: binder, bridging, pre-discharge checklist, outreach, re-opening a closed file
- incidents.py: report, follow up, close
- wellbeing.py: supervision sessions, supporters' check-ins, lifting a pause
"""
