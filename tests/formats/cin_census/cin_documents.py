"""Small CIN census documents built from text, for the reader's and writer's tests."""

CHILD = """
    <Child>
      <ChildIdentifiers>
        <LAchildID>C1</LAchildID>
        <PersonBirthDate>2015-05-01</PersonBirthDate>
        <Sex>F</Sex>
      </ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2025-06-01</CINreferralDate>
        <ReferralSource>1A</ReferralSource>
        <ReferralNFA>0</ReferralNFA>
      </CINdetails>
    </Child>"""


def census(
    children: str = CHILD, *, year: str = "2026", reference: str = "2026-03-31", lea: str = "201"
) -> str:
    """A CIN census message for the 2025/26 census unless told otherwise."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header>
    <CollectionDetails><Collection>CIN</Collection><Year>{year}</Year><ReferenceDate>{reference}</ReferenceDate></CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>{lea}</LEA></Source>
  </Header>
  <Children>{children}
  </Children>
</Message>
"""
