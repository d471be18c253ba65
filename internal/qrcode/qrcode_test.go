package qrcode

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/png"
	"slices"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
	"rsc.io/qr/coding"
)

const benchURI = "otpauth://totp/Demo%20Tenant:bench0001%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Demo%20Tenant&algorithm=SHA1&digits=6&period=30"

// uris spans small and large symbols (versions 2 to about 15) and all three modes.
var uris = []string{
	benchURI,
	"otpauth://totp/a:b?secret=JBSWY3DPEHPK3PXP",
	"OTPAUTH://TOTP/A:B?SECRET=JBSWY3DPEHPK3PXP", // alphanumeric mode
	"0123456789012345678901234567890",            // numeric mode
	"otpauth://totp/" + strings.Repeat("long%20issuer%20name", 12) + ":u?secret=JBSWY3DPEHPK3PXP",
}

// The PNG decodes back to the URI with an independent QR reader, has whole-pixel modules and
// the standard quiet zone, and stays small (it is in state for every OTP factor).
func TestPNGRoundTrip(t *testing.T) {
	for _, uri := range uris {
		b64, err := PNG(uri)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		if got := decode(t, img); got != uri {
			t.Fatalf("decoded %q, want %q", got, uri)
		}
		side := img.Bounds().Dx()
		if side%PixelsPerModule != 0 || img.Bounds().Dy() != side {
			t.Fatalf("image %v is not a square of whole modules", img.Bounds())
		}
		quiet := QuietModules * PixelsPerModule
		if !allWhite(img, image.Rect(0, 0, side, quiet)) || !allWhite(img, image.Rect(0, 0, quiet, side)) ||
			!allWhite(img, image.Rect(0, side-quiet, side, side)) || !allWhite(img, image.Rect(side-quiet, 0, side, side)) {
			t.Fatal("the quiet zone is not white")
		}
		if uri == benchURI && len(raw) > 800 {
			t.Fatalf("the PNG is %d bytes; want at most 800", len(raw))
		}
	}
}

// Every mask makes a readable symbol (the chosen one differs by URI, so each is tested on its
// own), and the mask encode keeps is one with the lowest penalty.
func TestEveryMaskDecodesAndTheLowestPenaltyWins(t *testing.T) {
	for _, uri := range uris {
		text, version, err := fit(uri)
		if err != nil {
			t.Fatal(err)
		}
		var lowestMask coding.Mask
		lowest := -1
		for mask := range coding.Mask(8) {
			sym, err := encodeWithMask(text, version, mask)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := render(sym)
			if err != nil {
				t.Fatal(err)
			}
			pngBytes, _ := base64.StdEncoding.DecodeString(raw)
			img, err := png.Decode(bytes.NewReader(pngBytes))
			if err != nil {
				t.Fatal(err)
			}
			if got := decode(t, img); got != uri {
				t.Fatalf("mask %d: decoded %q, want %q", mask, got, uri)
			}
			if score := penalty(sym); lowest < 0 || score < lowest {
				lowest, lowestMask = score, mask
			}
		}
		chosen, err := encode(uri)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := encodeWithMask(text, version, lowestMask)
		if !slices.Equal(chosen.dark, want.dark) {
			t.Fatalf("%q: encode did not keep mask %d, the first with the lowest penalty %d", uri, lowestMask, lowest)
		}
	}
}

func TestEncodeRefusesTooLongText(t *testing.T) {
	if _, err := PNG(strings.Repeat("x", 3000)); err == nil {
		t.Fatal("3000 bytes do not fit in a version-40 symbol at level M, but PNG accepted them")
	}
}

func decode(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("the QR code does not decode: %v", err)
	}
	return res.GetText()
}

func allWhite(img image.Image, r image.Rectangle) bool {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if c, _, _, _ := img.At(x, y).RGBA(); c != 0xffff {
				return false
			}
		}
	}
	return true
}

// BenchmarkPNG is one OTP factor's qr_code_png: eight encodes, their penalties, one PNG.
func BenchmarkPNG(b *testing.B) {
	for b.Loop() {
		if _, err := PNG(benchURI); err != nil {
			b.Fatal(err)
		}
	}
}
