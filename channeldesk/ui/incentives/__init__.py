"""The Incentives tab: MDF, co-op, rebate and SPIFF programs, funds and claims."""
