/**
 * CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no
 * reflection, no final XOR. Check value: crc16("123456789") = 0x29B1
 * (the CRC RevEng catalogue entry "CRC-16/IBM-3740").
 */
const table = (() => {
  const out = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
    out[byte] = crc & 0xffff;
  }
  return out;
})();

export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = ((crc << 8) ^ table[((crc >> 8) ^ bytes[i]!) & 0xff]!) & 0xffff;
  return crc;
}
