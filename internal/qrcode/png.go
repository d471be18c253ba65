package qrcode

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"sync"
)

// The PNG is written directly rather than through image/png, which visits all 52,000 pixels
// of a 228 px code one by one; here each module row is packed once and repeated. The format
// is the smallest PNG has: 1 bit per pixel, a two-colour palette (0 white, 1 black), no
// interlacing, filter type None on every row.
var pngSignature = []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}

// palette is PLTE's data: index 0 white, index 1 black.
var palette = []byte{0xff, 0xff, 0xff, 0x00, 0x00, 0x00}

// zlibWriters lets encodes share their compressor, which is hundreds of KB to allocate.
var zlibWriters sync.Pool // of *zlib.Writer

// encodePNG renders the symbol with its quiet zone at PixelsPerModule pixels per module.
func encodePNG(sym symbol) ([]byte, error) {
	side := (sym.size + 2*QuietModules) * PixelsPerModule
	rowBytes := (side + 7) / 8
	var raw bytes.Buffer
	row := make([]byte, 1+rowBytes) // filter byte (0, None), then the packed pixels
	for y := range sym.size + 2*QuietModules {
		clear(row)
		if my := y - QuietModules; my >= 0 && my < sym.size {
			for mx := range sym.size {
				if !sym.at(mx, my) {
					continue
				}
				for px := (mx + QuietModules) * PixelsPerModule; px < (mx+QuietModules+1)*PixelsPerModule; px++ {
					row[1+px/8] |= 0x80 >> (px % 8)
				}
			}
		}
		for range PixelsPerModule {
			raw.Write(row)
		}
	}

	var idat bytes.Buffer
	zw, ok := zlibWriters.Get().(*zlib.Writer)
	if ok {
		zw.Reset(&idat)
	} else {
		zw = zlib.NewWriter(&idat)
	}
	defer zlibWriters.Put(zw)
	if _, err := zw.Write(raw.Bytes()); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}

	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(side))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(side))
	ihdr[8] = 1 // bit depth
	ihdr[9] = 3 // colour type: palette; compression, filter and interlace methods stay 0

	var out bytes.Buffer
	out.Write(pngSignature)
	writeChunk(&out, "IHDR", ihdr)
	writeChunk(&out, "PLTE", palette)
	writeChunk(&out, "IDAT", idat.Bytes())
	writeChunk(&out, "IEND", nil)
	return out.Bytes(), nil
}

// writeChunk writes length, type, data and the CRC-32 of type and data.
func writeChunk(out *bytes.Buffer, kind string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	out.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(kind))
	crc.Write(data)
	out.WriteString(kind)
	out.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	out.Write(n[:])
}
