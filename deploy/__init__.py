"""Deployment helpers: replicas behind nginx (see replicas.py and README "Public demo")."""
