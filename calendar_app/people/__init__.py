"""What the participant, invite, forget and participants-report commands call: one transaction each."""
