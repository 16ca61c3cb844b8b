/**
 * General MIDI program names exactly as pretty_midi spells them
 * (`pretty_midi.constants.INSTRUMENT_MAP`), quirks included: program 83 is
 * "Lead 4 chiff" without parentheses and program 76 is "Blown bottle" in lower case.
 * Downstream tokens and stored rows must match what pretty_midi users see, so
 * these are not corrected to the GM 1 spec's spelling.
 */
const GM_PROGRAM_NAMES: readonly string[] = [
  // 0-7 Piano
  "Acoustic Grand Piano",
  "Bright Acoustic Piano",
  "Electric Grand Piano",
  "Honky-tonk Piano",
  "Electric Piano 1",
  "Electric Piano 2",
  "Harpsichord",
  "Clavinet",
  // 8-15 Chromatic Percussion
  "Celesta",
  "Glockenspiel",
  "Music Box",
  "Vibraphone",
  "Marimba",
  "Xylophone",
  "Tubular Bells",
  "Dulcimer",
  // 16-23 Organ
  "Drawbar Organ",
  "Percussive Organ",
  "Rock Organ",
  "Church Organ",
  "Reed Organ",
  "Accordion",
  "Harmonica",
  "Tango Accordion",
  // 24-31 Guitar
  "Acoustic Guitar (nylon)",
  "Acoustic Guitar (steel)",
  "Electric Guitar (jazz)",
  "Electric Guitar (clean)",
  "Electric Guitar (muted)",
  "Overdriven Guitar",
  "Distortion Guitar",
  "Guitar Harmonics",
  // 32-39 Bass
  "Acoustic Bass",
  "Electric Bass (finger)",
  "Electric Bass (pick)",
  "Fretless Bass",
  "Slap Bass 1",
  "Slap Bass 2",
  "Synth Bass 1",
  "Synth Bass 2",
  // 40-47 Strings
  "Violin",
  "Viola",
  "Cello",
  "Contrabass",
  "Tremolo Strings",
  "Pizzicato Strings",
  "Orchestral Harp",
  "Timpani",
  // 48-55 Ensemble
  "String Ensemble 1",
  "String Ensemble 2",
  "Synth Strings 1",
  "Synth Strings 2",
  "Choir Aahs",
  "Voice Oohs",
  "Synth Choir",
  "Orchestra Hit",
  // 56-63 Brass
  "Trumpet",
  "Trombone",
  "Tuba",
  "Muted Trumpet",
  "French Horn",
  "Brass Section",
  "Synth Brass 1",
  "Synth Brass 2",
  // 64-71 Reed
  "Soprano Sax",
  "Alto Sax",
  "Tenor Sax",
  "Baritone Sax",
  "Oboe",
  "English Horn",
  "Bassoon",
  "Clarinet",
  // 72-79 Pipe
  "Piccolo",
  "Flute",
  "Recorder",
  "Pan Flute",
  "Blown bottle",
  "Shakuhachi",
  "Whistle",
  "Ocarina",
  // 80-87 Synth Lead
  "Lead 1 (square)",
  "Lead 2 (sawtooth)",
  "Lead 3 (calliope)",
  "Lead 4 chiff",
  "Lead 5 (charang)",
  "Lead 6 (voice)",
  "Lead 7 (fifths)",
  "Lead 8 (bass + lead)",
  // 88-95 Synth Pad
  "Pad 1 (new age)",
  "Pad 2 (warm)",
  "Pad 3 (polysynth)",
  "Pad 4 (choir)",
  "Pad 5 (bowed)",
  "Pad 6 (metallic)",
  "Pad 7 (halo)",
  "Pad 8 (sweep)",
  // 96-103 Synth Effects
  "FX 1 (rain)",
  "FX 2 (soundtrack)",
  "FX 3 (crystal)",
  "FX 4 (atmosphere)",
  "FX 5 (brightness)",
  "FX 6 (goblins)",
  "FX 7 (echoes)",
  "FX 8 (sci-fi)",
  // 104-111 Ethnic
  "Sitar",
  "Banjo",
  "Shamisen",
  "Koto",
  "Kalimba",
  "Bagpipe",
  "Fiddle",
  "Shanai",
  // 112-119 Percussive
  "Tinkle Bell",
  "Agogo",
  "Steel Drums",
  "Woodblock",
  "Taiko Drum",
  "Melodic Tom",
  "Synth Drum",
  "Reverse Cymbal",
  // 120-127 Sound Effects
  "Guitar Fret Noise",
  "Breath Noise",
  "Seashore",
  "Bird Tweet",
  "Telephone Ring",
  "Helicopter",
  "Applause",
  "Gunshot",
];

/**
 * The General MIDI name of a program number, as `pretty_midi.program_to_instrument_name` returns it.
 * Drums get the name of their kit's program too (pretty_midi does not special-case channel 10).
 * @param program General MIDI program, an integer 0..127.
 * @throws RangeError when `program` is not an integer in 0..127 (a caller's bug, not bad file data).
 */
export function programToInstrumentName(program: number): string {
  const name = Number.isInteger(program) ? GM_PROGRAM_NAMES[program] : undefined;
  if (name === undefined) throw new RangeError(`invalid program number ${program}, should be between 0 and 127`);
  return name;
}
