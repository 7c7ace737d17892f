import type { EmulatedCompany } from './company/emulated-company.js';

/** The companies (realms) one emulator serves. */
export class CompanyRegistry {
  private readonly companies = new Map<string, EmulatedCompany>();
  private readonly addListeners: Array<(c: EmulatedCompany) => void> = [];

  add(company: EmulatedCompany): void {
    if (this.companies.has(company.realmId))
      throw new Error(`The emulator already serves a company with realm id ${company.realmId}`);
    this.companies.set(company.realmId, company);
    for (const l of this.addListeners) l(company);
  }

  get(realmId: string): EmulatedCompany | undefined {
    return this.companies.get(realmId);
  }

  list(): EmulatedCompany[] {
    return [...this.companies.values()];
  }

  onAdd(listener: (c: EmulatedCompany) => void): void {
    this.addListeners.push(listener);
  }
}
