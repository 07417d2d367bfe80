import { describe, expect, it } from 'vitest';
import { forbiddenReason } from './ssrf.js';

describe('forbidden webhook addresses', () => {
  it('when an address is loopback, private, link-local, CGNAT, multicast or metadata (IPv4 or IPv6), then it is refused', () => {
    for (const address of [
      '127.0.0.1', '127.8.9.10', '0.0.0.0', '10.0.0.1', '172.16.5.4', '172.31.255.255', '192.168.1.1', '100.64.0.1', '100.100.100.200',
      '169.254.169.254', '224.0.0.1', '255.255.255.255', '::', '::1', 'fe80::1', 'fc00::1', 'fd00:ec2::254', 'ff02::1',
      '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:a9fe:a9fe', '::127.0.0.1', '64:ff9b::a00:1', '2002:7f00:1::1',
      '2001::7f00:1', '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    ]) {
      expect(forbiddenReason(address), address).toBeDefined();
    }
  });

  it('when an address is public, then it is allowed', () => {
    for (const address of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '2002:808:808::1']) {
      expect(forbiddenReason(address), address).toBeUndefined();
    }
  });
});
