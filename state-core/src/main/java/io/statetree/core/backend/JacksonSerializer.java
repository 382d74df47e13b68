package io.statetree.core.backend;

import io.statetree.core.StateValueException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.ObjectMapper;

/**
 * A {@link Serializer} over a Jackson mapper of some format. Thread-safe.
 */
abstract class JacksonSerializer implements Serializer {

	private final ObjectMapper mapper;

	private final String extension;

	private final String format;

	JacksonSerializer(ObjectMapper mapper, String extension, String format) {
		this.mapper = mapper;
		this.extension = extension;
		this.format = format;
	}

	@Override
	public String extension() {
		return this.extension;
	}

	@Override
	public byte[] write(Object value) {
		return this.mapper.writeValueAsBytes(value);
	}

	@Override
	public @Nullable Object read(byte[] bytes) {
		// Streamed rather than read as a tree, so each decimal's text decides its type (see
		// JsonText): a Double's text reads back as a Double, any other decimal exactly.
		try (JsonParser parser = checked(this.mapper.createParser(bytes))) {
			return JsonText.readStored(parser);
		}
		catch (JacksonException ex) {
			throw new MalformedDocumentException(this.format, ex);
		}
	}

	/**
	 * Lets a format refuse what the parser reads without complaint but StateTree would read
	 * wrongly (YAML aliases), by throwing {@link MalformedDocumentException} while reading.
	 * @param parser the format's parser
	 * @return the parser to read from
	 */
	JsonParser checked(JsonParser parser) {
		return parser;
	}

	/**
	 * A document that is not valid in the format. The message gives the line and column but never
	 * the parser's message, which may quote the document's content (a secret); for the same
	 * reason the parser's exception is not kept as the cause.
	 */
	static final class MalformedDocumentException extends StateValueException {

		private static final long serialVersionUID = 1L;

		MalformedDocumentException(String format, JacksonException ex) {
			super("it is not valid " + format + where(ex.getLocation()));
		}

		private MalformedDocumentException(String message) {
			super(message);
		}

		/**
		 * A document the format allows but StateTree does not read.
		 * @param what what it holds, e.g. {@code "a YAML alias"}, never content
		 * @param location where
		 * @param advice what to do instead
		 * @return the exception
		 */
		static MalformedDocumentException unsupported(String what, @Nullable TokenStreamLocation location,
				String advice) {
			return new MalformedDocumentException("it holds " + what + where(location) + ", which StateTree does not read; "
					+ advice);
		}

		private static String where(@Nullable TokenStreamLocation location) {
			if (location == null || location.getLineNr() < 1) {
				return "";
			}
			return " (line " + location.getLineNr()
					+ ((location.getColumnNr() > 0) ? ", column " + location.getColumnNr() : "") + ")";
		}

	}

	@Override
	public String toString() {
		return this.extension;
	}

}
