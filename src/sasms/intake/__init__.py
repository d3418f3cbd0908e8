"""Intake adapters: translate outside formats (e-mail, alert webhooks, Redfish) into typed values.

Pure Python on purpose: nothing here touches the database or Django settings, so the adapters can be
tested against real-world material alone and the ticket wiring stays a thin call on top.
"""
