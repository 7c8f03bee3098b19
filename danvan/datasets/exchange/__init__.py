"""Exchanging figures with files and other systems: Excel templates, CSV and DHIS2
dataValueSets in and out, one import pipeline for every format, import jobs and API keys.

A Django app of its own (label ``exchange``) so that its job table has its own migrations.
"""
