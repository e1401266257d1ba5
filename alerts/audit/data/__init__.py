"""Seed tables shipped with the package: `alerts history import --shipped` loads them.

- `oios_2014_deadliest_attacks.csv`: the ten deadliest attacks on civilians reported
  by the Secretary-General in 2010-2013 and the mission responses, from the 2014
  OIOS evaluation of protection of civilians mandates (its table after para. 22).
  None drew a response during the attack.
- `oios_2017_failures_to_follow_orders.csv`: failures to follow orders reported in
  the five largest missions since March 2014, from the 2017 OIOS follow-up review
  (its table after para. 22): eleven rows, nine of them dated refusals.

Both are transcribed by hand, in the words and dates as printed.
"""
