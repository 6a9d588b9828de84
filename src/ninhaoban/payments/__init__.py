"""Payment orders, providers, callbacks, 电子票据 and reconciliation ([Payments & kiosk])."""
