package provider

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/draw"
	"image/png"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"
)

// qrCodePNG renders an otpauth:// URI as a base64 PNG, the form AWS users know from
// aws_iam_virtual_mfa_device.qr_code_png.
func qrCodePNG(uri string) (string, error) {
	code, err := qr.Encode(uri, qr.M, qr.Auto)
	if err != nil {
		return "", err
	}
	scaled, err := barcode.Scale(code, 256, 256)
	if err != nil {
		return "", err
	}
	// A two-colour palette makes a 1-bit PNG: about a third of the 16-bit grey image the
	// barcode renders to. The string lives in state for every OTP factor, and Terraform's own
	// cost grows with the state's size (see README "Performance").
	bw := image.NewPaletted(scaled.Bounds(), color.Palette{color.White, color.Black})
	draw.Draw(bw, bw.Bounds(), scaled, scaled.Bounds().Min, draw.Src)
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, bw); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}
