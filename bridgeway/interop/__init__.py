"""Doors for other systems: file imports today (`imports/`), HL7 and FHIR next."""
