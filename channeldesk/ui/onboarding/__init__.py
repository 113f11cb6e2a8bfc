"""The Onboarding tab: templates become checklists; a partner is worked to active."""
