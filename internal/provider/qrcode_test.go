package provider

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/png"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
)

// The PNG decodes back to the URI with an independent QR reader, has whole-pixel modules and
// the standard quiet zone, and stays small (it is in state for every OTP factor).
func TestQRCodePNGRoundTrip(t *testing.T) {
	for _, uri := range []string{
		"otpauth://totp/Bench%20Tenant:bench0001%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Bench%20Tenant&algorithm=SHA1&digits=6&period=30",
		"otpauth://totp/a:b?secret=JBSWY3DPEHPK3PXP",
	} {
		b64, err := qrCodePNG(uri)
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
		bmp, err := gozxing.NewBinaryBitmapFromImage(img)
		if err != nil {
			t.Fatal(err)
		}
		res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
		if err != nil {
			t.Fatalf("the QR code does not decode: %v", err)
		}
		if res.GetText() != uri {
			t.Fatalf("decoded %q, want %q", res.GetText(), uri)
		}
		side := img.Bounds().Dx()
		if side%qrPixelsPerModule != 0 || img.Bounds().Dy() != side {
			t.Fatalf("image %v is not a square of whole modules", img.Bounds())
		}
		quiet := qrQuietModules * qrPixelsPerModule
		if !allWhite(img, image.Rect(0, 0, side, quiet)) || !allWhite(img, image.Rect(0, 0, quiet, side)) ||
			!allWhite(img, image.Rect(0, side-quiet, side, side)) || !allWhite(img, image.Rect(side-quiet, 0, side, side)) {
			t.Fatal("the quiet zone is not white")
		}
		if len(raw) > 800 {
			t.Fatalf("the PNG is %d bytes; want at most 800", len(raw))
		}
	}
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
