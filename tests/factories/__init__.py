"""Every hand-built district the tests share, one module per district, each named for what it is for:

- `unit`: a few people and records, one of each kind (Robin, a teacher + School Tech Lead + district admin;
  Ada, a student; Grace, the contact of two students), for the domain, store and sync tests;
- `sign_in`: the same district's ids seen by the identity provider (Robin teacher + staff, Pat a district
  admin who teaches, two students and their contact, Lee in a second district), for the emulator's SSO tests;
- `maple`: Maple Unified, a small realistic multi-role district (two schools, four sections, one co-taught),
  for the emulator's Data API and the CLI;
- `sized`: a deterministic district of any size, for the client's tests against the emulator.

Builders return fresh values (tests may change them); ids are constants named for the person or thing.
"""
