/** The Intuit users the emulator can sign in as (Intuit's own sign-in is out of scope; the consent page picks one). */
export interface EmulatedIntuitUser {
  sub: string;
  email: string;
  givenName: string;
  familyName: string;
}

export const EMULATED_USERS: readonly EmulatedIntuitUser[] = [
  {
    sub: '6f1c2a9e-0d3b-4c57-9a1e-5b7d2c4e8f01',
    email: 'owner@duesense-demo.test',
    givenName: 'Dana',
    familyName: 'Demo',
  },
  {
    sub: '8a4e7b12-3c9d-4f60-b2a5-1e6c9d0f7a32',
    email: 'bookkeeper@duesense-demo.test',
    givenName: 'Bo',
    familyName: 'Keeper',
  },
];

export function userBySub(sub: string | undefined): EmulatedIntuitUser | undefined {
  return EMULATED_USERS.find((u) => u.sub === sub);
}
