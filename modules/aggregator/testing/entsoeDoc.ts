// Test fixture (host only): an ENTSO-E A44 publication document.
/** An A44 document as the Transparency Platform publishes it (Belgium, 2026-03-29, 23 h). */
export function entsoeDoc(points: string, opts: { curve?: string; res?: string; end?: string }) {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Publication_MarketDocument xmlns="urn:iec62325.351:tc57wg16:451-3:publicationdocument:7:3">
  <mRID>2f1b7c0e9a7d4c7e8b1f</mRID>
  <revisionNumber>1</revisionNumber>
  <type>A44</type>
  <sender_MarketParticipant.mRID codingScheme="A01">10X1001A1001A450</sender_MarketParticipant.mRID>
  <sender_MarketParticipant.marketRole.type>A32</sender_MarketParticipant.marketRole.type>
  <createdDateTime>2026-03-28T12:00:00Z</createdDateTime>
  <period.timeInterval>
    <start>2026-03-28T23:00Z</start>
    <end>2026-03-29T22:00Z</end>
  </period.timeInterval>
  <TimeSeries>
    <mRID>1</mRID>
    <businessType>A62</businessType>
    <in_Domain.mRID codingScheme="A01">10YBE----------2</in_Domain.mRID>
    <currency_Unit.name>EUR</currency_Unit.name>
    <price_Measure_Unit.name>MWH</price_Measure_Unit.name>
    <curveType>${opts.curve || "A01"}</curveType>
    <Period>
      <timeInterval>
        <start>2026-03-28T23:00Z</start>
        <end>${opts.end || "2026-03-29T22:00Z"}</end>
      </timeInterval>
      <resolution>${opts.res || "PT60M"}</resolution>
${points}
    </Period>
  </TimeSeries>
</Publication_MarketDocument>
`;
}
