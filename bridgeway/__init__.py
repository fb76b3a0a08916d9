"""Bridgeway: runs and evaluates Transitional Discharge Model peer-support programs."""
