"""一张网考评: rollups and indicators over the other apps' selectors ([Oversight])."""
