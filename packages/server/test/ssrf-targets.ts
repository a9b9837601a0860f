/**
 * @module test/ssrf-targets
 * Internal callback targets spelled every way the WHATWG URL parser accepts (decimal, octal,
 * hex and short IPv4 forms, IPv6, IPv4-mapped IPv6, localhost names), for the SSRF tests.
 * Nothing ever connects to them: the inbox must refuse them before connecting.
 */

/** Internal targets, spelled every way the URL parser accepts. */
export const INTERNAL_CALLBACK_URLS = [
  "http://127.0.0.1/admin/reset",
  "http://127.0.0.1:8080/cb",
  "http://2130706433/", // 127.0.0.1 as a number
  "http://017700000001/", // octal number
  "http://0x7f000001/", // hex number
  "http://0x7F.0.0.1/",
  "http://0177.0.0.1/",
  "http://127.1/",
  "http://127.0.1/",
  "http://127.0.0.1./",
  "http://%31%32%37.0.0.1/",
  "http://１２７.0.0.1/", // full-width digits
  "http://127.255.255.254/",
  "http://localhost:9000/",
  "http://LOCALHOST./",
  "http://api.localhost/",
  "http://169.254.169.254/latest/meta-data/",
  "http://0xa9fea9fe/", // 169.254.169.254
  "http://0/",
  "http://0.0.0.0/",
  "http://10.0.0.1/",
  "http://012.1/", // 10.0.0.1
  "http://172.16.0.1/",
  "http://172.31.255.255/",
  "http://192.168.1.1/",
  "http://100.64.0.1/",
  "http://100.127.255.255/",
  "http://192.0.0.8/",
  "http://198.18.0.1/",
  "http://224.0.0.1/",
  "http://239.255.255.250/",
  "http://255.255.255.255/",
  "http://4294967295/",
  "http://240.0.0.1/",
  "http://[::1]/",
  "http://[0:0:0:0:0:0:0:1]/",
  "http://[::]/",
  "http://[::ffff:127.0.0.1]/",
  "http://[::ffff:7f00:1]/",
  "http://[0:0:0:0:0:ffff:169.254.169.254]/",
  "http://[::ffff:10.0.0.1]/",
  "http://[::127.0.0.1]/",
  "http://[64:ff9b::7f00:1]/", // NAT64 of 127.0.0.1
  "http://[fc00::1]/",
  "http://[fd12:3456::1]/",
  "http://[fe80::1]/",
  "http://[febf::1]/",
  "http://[ff02::1]/",
  "http://[2002:7f00:1::]/", // 6to4 of 127.0.0.1
  "http://[2001::1]/", // Teredo
  "http://[2001:db8::1]/",
  "https://[::1]:8443/cb",
];
