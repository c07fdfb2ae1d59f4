package soap

import (
	"bytes"
	"io"
	"testing"
)

func BenchmarkDecode(b *testing.B) {
	for _, name := range []string{"fuel-soap-retrieve", "node-soap-wsse-digest", "csharp-fuelsdk-legacy-retrieve"} {
		var fx *soapFixture
		for _, f := range soapFixtures(b) {
			if f.name == name {
				fx = &f
			}
		}
		if fx == nil {
			b.Fatalf("fixture %s not found", name)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(fx.body)))
			for b.Loop() {
				if _, err := Decode(bytes.NewReader(fx.body), fx.info, Limits{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkWriteResponse(b *testing.B) {
	body := retrieveResponse()
	h := fixedHeader("RetrieveResponse")
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteResponse(io.Discard, V11, h, body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteFaultGeneratedIDs(b *testing.B) {
	f := SecurityFault(FaultTokenExpired, "https://a/Service.asmx")
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteFault(io.Discard, V11, ResponseHeader{}, f); err != nil {
			b.Fatal(err)
		}
	}
}
