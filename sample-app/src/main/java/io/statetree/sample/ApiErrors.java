package io.statetree.sample;

import io.statetree.core.InvalidPathException;
import io.statetree.core.StateStorageException;
import io.statetree.core.StateValueException;
import io.statetree.core.StateWriteException;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns invalid input into {@code 400 Bad Request} answers that say what was wrong. A storage
 * failure (an unparsable file, Redis down) is a {@code 500} whose body says only that the storage
 * failed; the log gets one line with StateTree's message, which names the file but never quotes
 * stored content.
 */
@RestControllerAdvice(assignableTypes = { UserApi.class, FlagApi.class, FlagHistory.class, StateApi.class })
class ApiErrors {

	private static final Logger logger = LoggerFactory.getLogger(ApiErrors.class);

	@ExceptionHandler({ IllegalArgumentException.class, InvalidPathException.class, StateValueException.class,
			StateWriteException.class })
	ProblemDetail invalidInput(RuntimeException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	@ExceptionHandler(StateStorageException.class)
	ProblemDetail storageFailure(StateStorageException ex, HttpServletRequest request) {
		logger.error("{} {} failed: {}", request.getMethod(), request.getRequestURI(), ex.getMessage());
		logger.debug("Storage failure", ex);
		return ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
				"The state storage cannot serve this request; the server log names the cause");
	}

}
