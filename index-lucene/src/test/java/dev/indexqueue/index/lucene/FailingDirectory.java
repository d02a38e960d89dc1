package dev.indexqueue.index.lucene;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexOutput;

/**
 * A directory whose writes fail on command, like a disk that is full: the next {@code n} file
 * creations or writes throw an {@link IOException}. Thread-safe.
 */
final class FailingDirectory extends FilterDirectory {
  private final AtomicInteger toFail = new AtomicInteger();
  private final AtomicInteger injected = new AtomicInteger();

  FailingDirectory(Directory in) {
    super(in);
  }

  /** Makes the next {@code n} writes fail. */
  void failNextWrites(int n) {
    toFail.set(n);
  }

  /** How many failures were injected so far. */
  int injected() {
    return injected.get();
  }

  private void maybeFail(String what) throws IOException {
    if (toFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      injected.incrementAndGet();
      throw new IOException("injected failure (disk full?) at " + what);
    }
  }

  @Override
  public IndexOutput createOutput(String name, IOContext context) throws IOException {
    maybeFail("createOutput " + name);
    return new FailingOutput(name, super.createOutput(name, context));
  }

  @Override
  public IndexOutput createTempOutput(String prefix, String suffix, IOContext context)
      throws IOException {
    maybeFail("createTempOutput " + prefix);
    IndexOutput out = super.createTempOutput(prefix, suffix, context);
    return new FailingOutput(out.getName(), out);
  }

  /** An output whose writes fail when the directory says so. */
  private final class FailingOutput extends IndexOutput {
    private final IndexOutput out;

    FailingOutput(String name, IndexOutput out) {
      super("failing(" + out + ")", name);
      this.out = out;
    }

    @Override
    public void writeByte(byte b) throws IOException {
      maybeFail("writeByte " + getName());
      out.writeByte(b);
    }

    @Override
    public void writeBytes(byte[] b, int offset, int length) throws IOException {
      maybeFail("writeBytes " + getName());
      out.writeBytes(b, offset, length);
    }

    @Override
    public void close() throws IOException {
      out.close();
    }

    @Override
    public long getFilePointer() {
      return out.getFilePointer();
    }

    @Override
    public long getChecksum() throws IOException {
      return out.getChecksum();
    }
  }
}
