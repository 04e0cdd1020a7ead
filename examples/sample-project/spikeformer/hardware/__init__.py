"""Hardware back-ends: weight quantisation and deployment helpers."""
