package provider

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"

	"github.com/boombuler/barcode/qr"
)

// The QR code's geometry: whole pixels per module, so every module is a crisp square, and the
// four-module quiet zone the QR standard asks for around the symbol. A 160-character otpauth
// URI (version 8, 49 modules) makes a 228 px square.
const (
	qrPixelsPerModule = 4
	qrQuietModules    = 4
)

// qrCodePNG renders an otpauth:// URI as a base64 PNG, the form AWS users know from
// aws_iam_virtual_mfa_device.qr_code_png. It is a 1-bit PNG: the string lives in state for
// every OTP factor, and Terraform's own cost grows with the state's size (README
// "Performance"); a 16-bit grey image scaled to 256 px was three times as large.
func qrCodePNG(uri string) (string, error) {
	code, err := qr.Encode(uri, qr.M, qr.Auto)
	if err != nil {
		return "", err
	}
	modules := code.Bounds().Dx()
	side := (modules + 2*qrQuietModules) * qrPixelsPerModule
	img := image.NewPaletted(image.Rect(0, 0, side, side), color.Palette{color.White, color.Black})
	for y := range modules {
		for x := range modules {
			if code.At(x, y) != color.Black {
				continue
			}
			px, py := (x+qrQuietModules)*qrPixelsPerModule, (y+qrQuietModules)*qrPixelsPerModule
			for dy := range qrPixelsPerModule {
				row := img.Pix[(py+dy)*img.Stride:]
				for dx := range qrPixelsPerModule {
					row[px+dx] = 1
				}
			}
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}
