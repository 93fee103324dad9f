import { describe, expect, it } from 'vitest';
import { parseClinicAddress } from '../../src/features/clinic/clinic-address';

describe('parseClinicAddress', () => {
  it('takes an HTTPS address as people type it', () => {
    expect(parseClinicAddress('https://192.168.1.10:8443')).toEqual({ ok: true, origin: 'https://192.168.1.10:8443' });
    expect(parseClinicAddress('  https://Clinic.Local:8443/ ')).toEqual({ ok: true, origin: 'https://clinic.local:8443' });
    expect(parseClinicAddress('192.168.1.10:8443')).toEqual({ ok: true, origin: 'https://192.168.1.10:8443' });
    expect(parseClinicAddress('https://clinic.example:443')).toEqual({ ok: true, origin: 'https://clinic.example' });
  });

  it('allows plain HTTP on this device only, for testing', () => {
    expect(parseClinicAddress('http://localhost:8443')).toEqual({ ok: true, origin: 'http://localhost:8443' });
    expect(parseClinicAddress('http://127.0.0.1:8443')).toEqual({ ok: true, origin: 'http://127.0.0.1:8443' });
    expect(parseClinicAddress('http://192.168.1.10:8080')).toEqual({ ok: false, problem: 'insecure' });
    expect(parseClinicAddress('http://clinic.local')).toEqual({ ok: false, problem: 'insecure' });
  });

  it('says what is wrong with anything else', () => {
    expect(parseClinicAddress('   ')).toEqual({ ok: false, problem: 'empty' });
    expect(parseClinicAddress('https://')).toEqual({ ok: false, problem: 'invalid' });
    expect(parseClinicAddress('not an address')).toEqual({ ok: false, problem: 'invalid' });
    expect(parseClinicAddress('ftp://clinic.local')).toEqual({ ok: false, problem: 'invalid' });
    expect(parseClinicAddress('https://clinic.local:8443/#/enroll?code=X')).toEqual({ ok: false, problem: 'path' });
    expect(parseClinicAddress('https://clinic.local/app')).toEqual({ ok: false, problem: 'path' });
    expect(parseClinicAddress('https://user:pw@clinic.local')).toEqual({ ok: false, problem: 'path' });
  });
});
