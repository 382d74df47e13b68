package io.statetree.core.backend;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import io.statetree.core.StatePath;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of the file name encoding: every valid segment maps to a safe, portable name that
 * decodes back to it, distinct segments never share a name, and names that a case-insensitive
 * file system would merge belong to segments differing only in ASCII case (which the backend then
 * refuses).
 */
class FileNamesPropertiesTest {

	private static final String WINDOWS_FORBIDDEN = "<>:\"/\\|?*";

	@Provide
	Arbitrary<String> segments() {
		Arbitrary<String> tricky = Arbitraries.of("john.doe", "john.smith", "CON", "con.json", "b.json", "B.JSON", ".x",
				"~y", "a.", "a ", "100%", "%41", "~aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "\uD800", "a\uDC00b", "😀", "é", "É");
		Arbitrary<String> ascii = Arbitraries.strings().withChars(" !\"#$%&'()*+,-.:;<=>?@[\\]^_`{|}~")
			.withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9').ofMinLength(1).ofMaxLength(40);
		Arbitrary<String> unicode = Arbitraries.strings().withCharRange('\u00a0', '\uffff').ofMinLength(1).ofMaxLength(60);
		Arbitrary<String> longOnes = Arbitraries.strings().withCharRange('a', 'e').ofMinLength(190).ofMaxLength(255);
		return Arbitraries.oneOf(tricky, ascii, unicode, longOnes).filter(FileNamesPropertiesTest::valid);
	}

	static boolean valid(String segment) {
		try {
			StatePath.ROOT.child(segment);
			return true;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	@Property(tries = 2000)
	void namesAreSafeAndDecodeBack(@ForAll("segments") String segment) {
		FileNames.Names names = FileNames.names(segment, "json");
		for (String name : new String[] { names.file(), names.stem() }) {
			assertThat(name.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(FileNames.MAX_NAME_LENGTH);
			assertThat(name.chars().allMatch(c -> c >= 0x20 && c < 0x7f)).as(name).isTrue();
			assertThat(name.chars().noneMatch(c -> WINDOWS_FORBIDDEN.indexOf(c) >= 0)).as(name).isTrue();
			assertThat(name).doesNotStartWith(".").doesNotEndWith(".").doesNotEndWith(" ");
			String base = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
			assertThat(base.toUpperCase(Locale.ROOT)).isNotIn("CON", "PRN", "AUX", "NUL", "COM1", "LPT1");
		}
		assertThat(names.stem().toLowerCase(Locale.ROOT)).doesNotEndWith(".json");
		if (names.hashed()) {
			assertThat(FileNames.isHashed(names.stem())).isTrue();
			assertThat(FileNames.decode(names.stem(), "json")).isNull();
		}
		else {
			assertThat(FileNames.decode(names.stem(), "json")).isEqualTo(segment);
		}
	}

	@Property(tries = 2000)
	void distinctSegmentsGetDistinctNames(@ForAll("segments") String a, @ForAll("segments") String b) {
		Assume.that(!a.equals(b));
		FileNames.Names na = FileNames.names(a, "json");
		FileNames.Names nb = FileNames.names(b, "json");
		assertThat(na.file()).isNotEqualTo(nb.file());
		assertThat(na.stem()).isNotEqualTo(nb.stem());
		assertThat(na.stem()).isNotEqualTo(nb.file());
	}

	@Property(tries = 2000)
	void namesMergedByIgnoringCaseBelongToSegmentsDifferingOnlyInAsciiCase(@ForAll("segments") String a,
			@ForAll boolean swap, @ForAll("segments") String other) {
		String b = swap ? swapAsciiCase(a) : other;
		FileNames.Names na = FileNames.names(a, "json");
		FileNames.Names nb = FileNames.names(b, "json");
		if (!na.hashed() && !nb.hashed() && na.file().equalsIgnoreCase(nb.file())) {
			assertThat(a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT))
					|| swapAsciiCase(a).equals(b) || a.equals(b)).as(a + " / " + b).isTrue();
		}
	}

	private static String swapAsciiCase(String s) {
		StringBuilder sb = new StringBuilder(s.length());
		for (char c : s.toCharArray()) {
			if (c >= 'a' && c <= 'z') {
				sb.append((char) (c - 32));
			}
			else if (c >= 'A' && c <= 'Z') {
				sb.append((char) (c + 32));
			}
			else {
				sb.append(c);
			}
		}
		return sb.toString();
	}


	@Example
	void examples() {
		assertThat(FileNames.names("john.doe", "json").file()).isEqualTo("john.doe.json");
		assertThat(FileNames.names("café", "json").file()).isEqualTo("caf%C3%A9.json");
		assertThat(FileNames.names("CON", "json").stem()).isEqualTo("%43ON");
		assertThat(FileNames.names("b.json", "json").stem()).isEqualTo("b%2Ejson");
		assertThat(FileNames.names(".hidden", "json").stem()).isEqualTo("%2Ehidden");
		assertThat(FileNames.decode("caf%c3%a9", "json")).isNull();
		assertThat(FileNames.decode("a%2", "json")).isNull();
		assertThat(FileNames.decode("%FF", "json")).isNull();
	}

}
