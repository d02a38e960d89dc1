package dev.indexqueue.spi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The content hash every backend stores and the status check compares: SHA-256 of the UTF-8
 * content, as 32 lowercase hex digits (the first 128 bits). Stateless and thread-safe.
 */
public final class ContentHash {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private ContentHash() {}

  /**
   * Hashes {@code content}.
   *
   * @param content the text
   * @return 32 lowercase hex digits
   */
  public static String of(String content) {
    return ofBytes(content.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Hashes UTF-8 bytes; equals {@link #of(String)} of the decoded text.
   *
   * @param utf8 the text's bytes
   * @return 32 lowercase hex digits
   */
  public static String ofBytes(byte[] utf8) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
    byte[] d = md.digest(utf8);
    char[] out = new char[32];
    for (int i = 0; i < 16; i++) {
      out[2 * i] = HEX[(d[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[d[i] & 0xf];
    }
    return new String(out);
  }
}
