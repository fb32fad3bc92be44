import AsyncHTTPClient
import Histogram
print("x")
