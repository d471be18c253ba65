// Package qrcode renders an otpauth:// URI as a small PNG QR code, for the provider's
// qr_code_png function (the name AWS users know from aws_iam_virtual_mfa_device's attribute).
//
// rsc.io/qr/coding does the standard's encoding (modes, Reed-Solomon, placement, format
// bits); this package adds what its qr.Encode leaves out, the choice of mask (it always uses
// mask 0), and the rendering. The previous encoder scored masks too, but took 5.4 ms of CPU per
// code (with its PNG), over a third of the provider's CPU in make bench's apply; this one
// takes 0.84 ms (BenchmarkPNG).
package qrcode

import (
	"encoding/base64"
	"errors"
	"sync"

	"rsc.io/qr/coding"
)

// The image's geometry: whole pixels per module, so every module is a crisp square, and the
// four-module quiet zone the QR standard asks for around the symbol. A 160-character otpauth
// URI (version 8, 49 modules) makes a 228 px square.
const (
	PixelsPerModule = 4
	QuietModules    = 4
)

// level is the error-correction level: M restores 15 % of the symbol, which covers a photo
// of a screen, and keeps a typical otpauth URI at version 8.
const level = coding.M

// PNG renders uri as a base64 PNG, a 1-bit image: the smallest lossless form of a QR code,
// for a string Terraform may keep in plans, outputs or files.
func PNG(uri string) (string, error) {
	sym, err := encode(uri)
	if err != nil {
		return "", err
	}
	return render(sym)
}

// symbol is a QR symbol as a square of modules, row by row; true is dark.
type symbol struct {
	size int
	dark []bool
}

func (s symbol) at(x, y int) bool { return s.dark[y*s.size+x] }

// encode builds the symbol under each of the eight masks and keeps the one the standard's
// penalty rates lowest (ISO/IEC 18004 7.8.3; ties go to the lower mask number).
func encode(uri string) (symbol, error) {
	text, version, err := fit(uri)
	if err != nil {
		return symbol{}, err
	}
	best, bestScore := symbol{}, -1
	for mask := range coding.Mask(8) {
		sym, err := encodeWithMask(text, version, mask)
		if err != nil {
			return symbol{}, err
		}
		if score := penalty(sym); bestScore < 0 || score < bestScore {
			best, bestScore = sym, score
		}
	}
	return best, nil
}

// fit chooses the most compact of the three single modes uri fits and the smallest version
// that holds it at level M; neither depends on the mask.
func fit(uri string) (coding.Encoding, coding.Version, error) {
	var text coding.Encoding = coding.String(uri)
	if coding.Num(uri).Check() == nil {
		text = coding.Num(uri)
	} else if coding.Alpha(uri).Check() == nil {
		text = coding.Alpha(uri)
	}
	version := coding.Version(coding.MinVersion)
	for text.Bits(version) > version.DataBytes(level)*8 {
		if version == coding.MaxVersion {
			return nil, 0, errors.New("the text is too long for a QR code")
		}
		version++
	}
	return text, version, nil
}

// encodeWithMask builds the symbol of text at version under one mask.
func encodeWithMask(text coding.Encoding, version coding.Version, mask coding.Mask) (symbol, error) {
	plan, err := cachedPlan(version, mask)
	if err != nil {
		return symbol{}, err
	}
	code, err := plan.Encode(text)
	if err != nil {
		return symbol{}, err
	}
	sym := symbol{size: code.Size, dark: make([]bool, code.Size*code.Size)}
	for y := range code.Size {
		for x := range code.Size {
			sym.dark[y*code.Size+x] = code.Black(x, y)
		}
	}
	return sym, nil
}

// plans holds a plan per version and mask (the level is fixed). A plan is the symbol's
// layout, about 25 KB for version 8, and only read by Plan.Encode, so one serves every code of
// that version: OTP URIs of one tenant are all about the same length, so a provider process
// builds eight plans, not eight per factor.
var plans = struct {
	sync.Mutex
	byKey map[planKey]*coding.Plan
}{byKey: map[planKey]*coding.Plan{}}

type planKey struct {
	version coding.Version
	mask    coding.Mask
}

func cachedPlan(version coding.Version, mask coding.Mask) (*coding.Plan, error) {
	plans.Lock()
	defer plans.Unlock()
	key := planKey{version, mask}
	if p, ok := plans.byKey[key]; ok {
		return p, nil
	}
	p, err := coding.NewPlan(version, level, mask)
	if err != nil {
		return nil, err
	}
	plans.byKey[key] = p
	return p, nil
}

func render(sym symbol) (string, error) {
	raw, err := encodePNG(sym)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(raw), nil
}
